"""How big a pack may be. Checked twice: against the sizes the zip directory declares, before anything is
read, and again while each entry is streamed, so a header that understates a size cannot inflate a bomb.

Module constants, read at each use: a plant with bigger models raises them here (tests lower them).
"""

GIB = 1024 ** 3

MAX_TOTAL_BYTES = 4 * GIB  # all entries together, uncompressed (a ViT-L/14 checkpoint is 1.7 GB)
MAX_ENTRY_BYTES = 4 * GIB  # one entry, uncompressed
MAX_ENTRIES = 1000  # a model folder, a prompt set and the settings need a handful
MAX_MANIFEST_BYTES = 1024 * 1024
MAX_SETTINGS_BYTES = 1024 * 1024
MAX_SIGNATURE_BYTES = 1024  # an Ed25519 signature is 64 bytes
CHUNK_BYTES = 1024 * 1024
