import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()

# The modules, URLs and settings loaded at start-up live as long as the process: move them
# out of the collector's generations (forked workers keep sharing those pages), and collect
# the young generation less often: a page of 200 rows allocates far more than 700 objects,
# and each collection walked what the request was still using. Measured in
# docs/deployment.md; config/gunicorn.conf.py freezes again once a worker is up.
GC_THRESHOLD = (50_000, 20, 100)
gc.collect()
gc.freeze()
gc.set_threshold(*GC_THRESHOLD)
