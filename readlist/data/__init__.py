"""The sample listings bundled with readlist (imported by ``readlist import --sample``)."""
