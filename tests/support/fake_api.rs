//! A fake UP42 API on 127.0.0.1 for network tests.
