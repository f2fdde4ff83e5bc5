"""Identity's organisation directory for other services: the names of exactly the organisations
asked for, however many (statistics name every institution of a completeness or missing list;
the list by region answers at most 500)."""
import uuid

import requests

from helpers import V1, internal_headers


def _create(suite, n):
    ids = {}
    with requests.Session() as s:
        for i in range(n):
            name = f"名录测试医院{uuid.uuid4().hex[:6]}{i}"
            r = s.post(suite.url("identity") + V1 + "/internal/organisations", headers=internal_headers(suite),
                       json={"kind": "institution", "name": name, "regionCode": "620102"}, timeout=10)
            assert r.status_code == 201, r.text
            ids[r.json()["id"]] = name
    return ids


def test_names_of_more_institutions_than_a_region_page(suite):
    created = _create(suite, 620)
    url = suite.url("identity") + V1 + "/internal/organisations/names"
    asked = list(created) + ["not-a-uuid", str(uuid.uuid4())]
    r = requests.post(url, headers=internal_headers(suite), json={"ids": asked}, timeout=30)
    assert r.status_code == 200, r.text
    got = {o["id"]: o["name"] for o in r.json()["items"]}
    assert got == created  # every one of the 620, nothing for the bad or unknown id
    # the region list stops at 500: the reason the names are asked by id
    listed = requests.get(suite.url("identity") + V1 + "/internal/organisations", headers=internal_headers(suite),
                          params={"kind": "institution", "under": "86/620000/620100/620102"}, timeout=30).json()["items"]
    assert len(listed) == 500


def test_names_need_the_internal_token_and_a_bounded_list(suite):
    url = suite.url("identity") + V1 + "/internal/organisations/names"
    assert requests.post(url, json={"ids": []}, timeout=10).status_code in (401, 403)
    r = requests.post(url, headers=internal_headers(suite), json={"ids": [str(uuid.uuid4())] * 5001}, timeout=30)
    assert r.status_code == 422 and r.json()["error"]["code"] == "too_many", r.text
