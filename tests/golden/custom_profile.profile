tests/fixtures/compile/profile_prod.yaml
