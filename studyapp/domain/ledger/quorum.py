"""党员大会 quorum (Art. 11, verified): more than half of the members with voting rights must be present."""
from __future__ import annotations

from dataclasses import dataclass


def needed(voting_members: int) -> int:
    """The smallest head count that is more than half: 20 → 11, 21 → 11, 1 → 1, 0 → 0."""
    return voting_members // 2 + 1 if voting_members > 0 else 0


@dataclass(frozen=True)
class Quorum:
    """Whether a voting 党员大会 could decide: present full members against those with a vote."""

    voting: int  # 正式党员 of the branch (预备党员 have no vote)
    present: int  # of them, present

    @property
    def needed(self) -> int:
        return needed(self.voting)

    @property
    def met(self) -> bool:
        return self.voting > 0 and self.present >= self.needed

    def __str__(self) -> str:
        verdict = "符合" if self.met else "不足"
        return f"有表决权党员 {self.voting} 人，到会 {self.present} 人，须超过半数（至少 {self.needed} 人）：{verdict}"
