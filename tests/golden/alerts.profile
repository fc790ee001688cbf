tests/fixtures/compile/profile_alerts.yaml
