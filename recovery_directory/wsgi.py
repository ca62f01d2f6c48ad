import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recovery_directory.settings")

application = get_wsgi_application()

# Everything loaded so far (Django, DRF, numpy, our modules) lives as long as the process.
# Moving it out of the garbage collector's generations means full collections scan only what
# requests create: without this, every few API requests paused for a full collection of the
# whole framework (40-150 ms on the benchmark machine). See gc.freeze in the Python docs.
gc.freeze()
