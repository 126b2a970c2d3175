"""The organizational-life ledger (三会一课台账) over the ORM.

scope        which branches and activities an organizer or a member may see (one home for each check)
activities   recording and editing activities, attendance and history
signin       sign-in windows and attendance from sign-ins; 集中学习 sessions as activities
attachments  photos and scans kept in the instance folder
calendar     compliance per branch and period, the organization's view, the chase list
exports      the organization's workbook and the branch's meeting record book
members      a member's own attendance at their branch's activities
"""
