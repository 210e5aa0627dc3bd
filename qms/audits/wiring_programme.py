"""What the audits area's programme part registers with the foundation (called from ready())."""


def register() -> None:
    return None
