"""Running untrusted student code: a child process per topic, a pickle-free wire format."""
