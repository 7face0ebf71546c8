import sys

from peer_review.run import main

sys.exit(main())
