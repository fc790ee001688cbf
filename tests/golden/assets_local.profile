tests/fixtures/compile/profile_local.yaml
