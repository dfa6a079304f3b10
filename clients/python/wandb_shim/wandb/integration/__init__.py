"""wandb.integration: the framework callbacks scripts import."""
