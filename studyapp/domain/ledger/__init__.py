"""The organizational-life ledger (三会一课台账): what the Regulations say is due, in plain Python.

kinds       the kinds of activity, attendance states and member categories, with their Chinese labels
rules       the table of what is due, each rule citing its article (verified or inferred, as the fact sheet)
periods     months, quarters and years in the organization's time zone
compliance  已开展 / 未开展 / 逾期未开展 for a branch's year
quorum      党员大会 quorum arithmetic (Art. 11)
files       how many attachments a record may have (which files: domain.attachments)
"""
