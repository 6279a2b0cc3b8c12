"""The casework context: needs on the menu, their referrals, visits and notes."""
