"""Pipelines in the workspace over real HTTP: CRUD, ETags, If-Match, concurrent writers."""

from __future__ import annotations

import hashlib
import json
import threading

import httpx

from jimu.spec import PipelineSpec


def etag_of_file(path) -> str:
    return f'"{hashlib.sha256(path.read_bytes()).hexdigest()}"'


def test_crud_round_trip(http, workspace, wine):
    created = http.post("/api/pipelines", json=wine)
    assert created.status_code == 201, created.text
    path = workspace / "wine_quality.json"
    assert created.headers["etag"] == created.json()["etag"] == etag_of_file(path)

    # Stored git-friendly: indent 2, the model's field order, a final newline; the same spec.
    text = path.read_text(encoding="utf-8")
    assert text.endswith("}\n") and text.startswith('{\n  "$schema"')
    assert PipelineSpec.model_validate(json.loads(text)) == PipelineSpec.model_validate(wine)

    got = http.get("/api/pipelines/wine_quality")
    assert got.status_code == 200 and got.content == path.read_bytes()
    assert got.headers["etag"] == etag_of_file(path)

    listed = http.get("/api/pipelines").json()
    assert [(p["id"], p["nodes"], p["valid"], p["etag"]) for p in listed] == [
        ("wine_quality", len(wine["nodes"]), True, etag_of_file(path))
    ]

    # The editor block (positions) is saved as is, and the list says a broken pipeline is not valid.
    changed = {**wine, "title": "Changed", "edges": [], "editor": {"positions": {"load": {"x": 1.5, "y": -2}}}}
    saved = http.put("/api/pipelines/wine_quality", json=changed, headers={"If-Match": got.headers["etag"]})
    assert saved.status_code == 200, saved.text
    assert json.loads(path.read_text())["editor"] == {"positions": {"load": {"x": 1.5, "y": -2.0}}}
    assert json.loads(path.read_text())["title"] == "Changed"
    (entry,) = http.get("/api/pipelines").json()
    assert entry["title"] == "Changed" and entry["valid"] is False and entry["etag"] == saved.json()["etag"]

    deleted = http.delete("/api/pipelines/wine_quality", headers={"If-Match": saved.headers["etag"]})
    assert deleted.status_code == 204
    assert not path.exists()
    assert http.get("/api/pipelines/wine_quality").status_code == 404
    assert http.get("/api/pipelines").json() == []


def test_duplicate_and_create_conflicts(http, workspace, wine):
    assert http.post("/api/pipelines", json=wine).status_code == 201
    again = http.post("/api/pipelines", json=wine)
    assert again.status_code == 409 and "exists already" in again.json()["detail"]["message"]

    copy = http.post("/api/pipelines", json={"from": "wine_quality", "id": "wine_copy"})
    assert copy.status_code == 201, copy.text
    original = json.loads((workspace / "wine_quality.json").read_text())
    assert json.loads((workspace / "wine_copy.json").read_text()) == {**original, "id": "wine_copy"}
    assert http.post("/api/pipelines", json={"from": "wine_quality", "id": "wine_copy"}).status_code == 409
    missing = http.post("/api/pipelines", json={"from": "nope", "id": "other"})
    assert missing.status_code == 404 and not (workspace / "other.json").exists()


def test_if_match_is_required_and_checked(http, workspace, wine):
    etag = http.post("/api/pipelines", json=wine).json()["etag"]
    before = (workspace / "wine_quality.json").read_bytes()

    for call in (lambda h: http.put("/api/pipelines/wine_quality", json=wine, headers=h),
                 lambda h: http.delete("/api/pipelines/wine_quality", headers=h)):
        missing = call({})
        assert missing.status_code == 428 and "If-Match" in missing.json()["detail"]["message"]
        stale = call({"If-Match": '"0000"'})
        assert stale.status_code == 409
        detail = stale.json()["detail"]
        assert detail["current_etag"] == etag and detail["document"].encode() == before
        weak = call({"If-Match": f"W/{etag}"})  # a weak etag never matches a strong comparison
        assert weak.status_code == 409
    assert (workspace / "wine_quality.json").read_bytes() == before


def test_saved_body_must_be_a_pipeline_with_the_path_id(http, workspace, wine):
    etag = http.post("/api/pipelines", json=wine).json()["etag"]
    before = (workspace / "wine_quality.json").read_bytes()
    cases = {
        b'{"id": "wine_quality", "id": "x"}': 400,  # a repeated key
        b"[1, 2]": 400,
        b"not json": 400,
        json.dumps({**wine, "id": "other"}).encode(): 400,
        json.dumps({**wine, "nodes": "many"}).encode(): 422,
        json.dumps({**wine, "title": "\ud800"}).encode(): 422,
    }
    for body, status in cases.items():
        answer = http.put("/api/pipelines/wine_quality", content=body, headers={"If-Match": etag})
        assert answer.status_code == status, (body[:40], answer.text)
        assert set(answer.json()["detail"]) >= {"message", "fix"}
    assert (workspace / "wine_quality.json").read_bytes() == before


def test_two_writers_with_the_same_etag_one_wins(live_url, workspace, wine):
    with httpx.Client(base_url=live_url) as client:
        etag = client.post("/api/pipelines", json=wine).json()["etag"]
    rounds = 10
    for attempt in range(rounds):
        bodies = [{**wine, "title": f"writer {w} round {attempt}", "description": "x" * 50_000 * (w + 1)}
                  for w in range(2)]
        barrier = threading.Barrier(2)
        answers: list[httpx.Response | None] = [None, None]

        def write(w: int, bodies=bodies, barrier=barrier, answers=answers, etag=etag) -> None:
            with httpx.Client(base_url=live_url, timeout=30) as client:
                barrier.wait()
                answers[w] = client.put("/api/pipelines/wine_quality", json=bodies[w], headers={"If-Match": etag})

        threads = [threading.Thread(target=write, args=(w,)) for w in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        statuses = sorted(a.status_code for a in answers)
        assert statuses == [200, 409], [a.text for a in answers]
        winner = next(w for w in range(2) if answers[w].status_code == 200)
        stored = json.loads((workspace / "wine_quality.json").read_text())
        assert stored["title"] == bodies[winner]["title"] and stored["description"] == bodies[winner]["description"]
        etag = answers[winner].json()["etag"]
        assert etag == etag_of_file(workspace / "wine_quality.json")
        loser = answers[1 - winner].json()["detail"]
        assert json.loads(loser["document"])["title"] == bodies[winner]["title"]


def test_the_list_names_the_template_a_pipeline_was_made_from(http, workspace, wine):
    made = http.post("/api/templates/cancer_screening/instantiate", json={"id": "my_screening"})
    assert made.status_code == 201, made.text
    assert http.post("/api/pipelines", json=wine).status_code == 201
    (workspace / "by_hand.json").write_text(json.dumps({**wine, "id": "by_hand", "template": ["not", "a", "ref"]}))

    listed = {p["id"]: p["template"] for p in http.get("/api/pipelines").json()}
    # What the saved file says, read independently of the listing.
    stored = json.loads((workspace / "my_screening.json").read_text())["template"]
    assert stored == made.json()["template"] and stored.startswith("cancer_screening@")
    assert listed == {"my_screening": stored, "wine_quality": None, "by_hand": None}
