from qms.audits import urls_checklists, urls_programme

app_name = "audits"

urlpatterns = [*urls_programme.urlpatterns, *urls_checklists.urlpatterns]
