"""Persistence every context may use: the SQL store, tracked views and the follower, the cipher,
sealing and the household key store, the hash chain, shredding, and the sealed application
base. Builds on the kernel only; knows no context's aggregates."""
