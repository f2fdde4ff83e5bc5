import json, requests
def test_openapi_probe(suite, gw):
    out = {}
    for svc in ["identity", "documents", "approval", "reporting", "gateway"]:
        r = requests.get(suite.url(svc) + f"/api/{svc}/v1/internal/routes", headers={"X-Internal-Token": suite.internal_token}, timeout=10)
        out[svc] = [r.status_code, r.text]
    r = requests.get(gw + "/api/gateway/v1/internal/routes", headers={"X-Internal-Token": suite.internal_token}, timeout=10)
    out["gw-via-gw"] = [r.status_code, r.text]
    r = requests.get(gw + "/api/openapi.json", timeout=10)
    out["openapi"] = [r.status_code, r.text[:200]]
    open("/tmp/probe/routes.json", "w").write(json.dumps(out, indent=1, ensure_ascii=False))
