"""Model serving: an HTTP app per model (`app`), local managed deployments (`manager`), Kubernetes (`k8s`)."""
