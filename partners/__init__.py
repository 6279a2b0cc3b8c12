"""The partner directory (联建单位) and the policy that ranks partners for a need."""
