from qms.nonconformities import urls_records, urls_reports

app_name = "nonconformities"

urlpatterns = [*urls_records.urlpatterns, *urls_reports.urlpatterns]
