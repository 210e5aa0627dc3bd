"""What the audits area's checklists part registers with the foundation (called from ready())."""


def register() -> None:
    return None
