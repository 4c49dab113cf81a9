"""The feed poller: agency feeds over HTTP and drop folders to the raw topic."""
