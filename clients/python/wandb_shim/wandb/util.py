"""wandb.util: the helpers scripts call."""
import secrets
import string

# W&B's run ids: 8 characters of lowercase letters and digits.
_ID_ALPHABET = string.ascii_lowercase + string.digits
DEFAULT_ID_LENGTH = 8


def generate_id(length=DEFAULT_ID_LENGTH):
    """A random id like W&B's (lowercase letters and digits)."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(int(length)))


def make_artifact_name_safe(name):
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in str(name))
