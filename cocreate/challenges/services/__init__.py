"""Writes for challenges, split by subject: `ideas` (challenges, ideas, lifecycle), `supports` (supports,
milestones, expiry); reviews, royalties and merging have modules of their own."""
