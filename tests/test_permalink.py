from layers.web.permalink import MapState, parse

LAYERS = ["admin_counties", "rail_network", "town_hierarchy"]


def test_round_trip_through_the_url():
    state = MapState("none", ("admin_counties", "rail_network"), (27.65, 113.3), 9, "rail-jingguang-hsr")
    url = state.url("http://localhost:8501", "transport")
    assert url == (
        "http://localhost:8501/transport?bm=none&layers=admin_counties,rail_network"
        "&c=27.6500,113.3000&z=9&sel=rail-jingguang-hsr"
    )
    query = dict(pair.split("=") for pair in url.split("?")[1].split("&"))
    assert parse(query, LAYERS) == state


def test_unknown_or_malformed_values_are_dropped_and_reported():
    state = parse({"bm": "google", "layers": "admin_counties,nope", "c": "abc", "z": "99"}, LAYERS)
    assert state.basemap is None
    assert state.layers == ("admin_counties",)
    assert state.center is None
    assert state.zoom == 19  # clamped, not refused
    assert parse({"z": "9.4"}, LAYERS).zoom == 9.5  # half steps
    assert set(state.ignored) == {"bm", "layers", "c"}


def test_centre_far_from_zhuzhou_is_refused():
    assert parse({"c": "48.85,2.35"}, LAYERS).center is None


def test_empty_layers_means_none_visible():
    assert parse({"layers": ""}, LAYERS).layers == ()
    assert parse({"layers": ","}, LAYERS).layers == ()
    assert parse({}, LAYERS).layers is None  # no parameter: the page's defaults
