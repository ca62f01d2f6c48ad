import uuid

# Fixed namespace: the same demo record gets the same primary key on every machine and run.
DEMO_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://recovery-directory.example.org/demo")


def demo_uuid(kind: str, key: str) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, f"{kind}:{key}")
