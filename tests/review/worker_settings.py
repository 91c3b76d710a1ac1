"""Settings for a real `db_worker` process started by a test: the test's database."""

import json
import os
from pathlib import Path

from config.settings import *  # noqa: F403

DATABASES = {"default": json.loads(os.environ["REVIEW_TEST_DATABASE"])}
REVIEW_EXPORT_DIR = Path(os.environ["REVIEW_EXPORT_DIR"])
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
