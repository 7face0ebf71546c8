from django.apps import AppConfig


class InteractionsConfig(AppConfig):
    name = "interactions"
    verbose_name = "Interaction knowledge base"

    def ready(self):
        from django.conf import settings

        from medicines import knowledge

        # The web layer tells the (Django-free) knowledge loader where the data is.
        knowledge.use_data_dir(getattr(settings, "KNOWLEDGE_DIR", "") or None)
