from zicht.cbs.raw_load import raw_columns

PROPERTIES = [
    {"ID": 0, "Type": "GeoDimension", "Key": "RegioS"},
    {"ID": 1, "Type": "TopicGroup", "Key": "Provincies", "ParentID": None},
    {"ID": 2, "Type": "Topic", "Key": "Code_1", "ParentID": 1, "Datatype": "String"},
    {"ID": 3, "Type": "TopicGroup", "Key": "PolitieRegionaleEenheden", "ParentID": None},
    {"ID": 4, "Type": "Topic", "Key": "Code_2", "ParentID": 3, "Datatype": "String"},
    {"ID": 5, "Type": "Topic", "Key": "Codering_3", "ParentID": None, "Datatype": "String"},
    {"ID": 6, "Type": "Topic", "Key": "Inwonertal_4", "ParentID": None, "Datatype": "Long"},
    {"ID": 7, "Type": "Topic", "Key": "Dichtheid_5", "ParentID": None, "Datatype": "Double"},
]


def test_names_lose_suffix_and_duplicates_take_their_group():
    columns = {c.name: c for c in raw_columns(PROPERTIES)}
    assert list(columns) == [
        "RegioS",
        "Provincies_Code",
        "PolitieRegionaleEenheden_Code",
        "Codering",
        "Inwonertal",
        "Dichtheid",
    ]
    assert columns["RegioS"].keep_raw and columns["Codering"].keep_raw
    assert not columns["Provincies_Code"].keep_raw
    assert columns["Inwonertal"].kind == "number" and str(columns["Inwonertal"].arrow_type) == "int64"
    assert str(columns["Dichtheid"].arrow_type) == "double"
