// Package deploytest checks deploy/ with the real tools: promtool on the
// demo's /metrics and on the alert rules, a real Prometheus scraping the
// demo, the Grafana dashboard against the metrics that exist, and the
// Kubernetes, Compose and systemd files. It holds tests only.
package deploytest
