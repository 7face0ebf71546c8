from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Guides"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from articles.linking import forget_index
        from articles.models import Article

        # A guide saved or deleted here changes the checker's guide links at once.
        post_save.connect(forget_index, sender=Article, dispatch_uid="guide-index-save")
        post_delete.connect(forget_index, sender=Article, dispatch_uid="guide-index-delete")
