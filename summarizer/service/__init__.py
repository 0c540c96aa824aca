"""The HTTP service: app factory, one router per resource, middleware (auth, body limit, memo),
batch jobs and the reader page."""
