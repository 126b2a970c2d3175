"""Branch assessment (评估定级 / 星级): grades from scores, vetoes, spot-check draws, problem status.

Pure rules; the services feed them numbers and dates and store what they decide.
"""
