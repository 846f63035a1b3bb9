//! The on-disk schema cache (one file per product with its fetch time and ETag), written
//! atomically. Owned by the API work.
