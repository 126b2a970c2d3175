"""Branch assessment use cases (评估定级): schemes, rounds and their steps, score sheets with history,
problems and rectification, 示范点, results. Each module takes (session, actor, now) and flushes."""
