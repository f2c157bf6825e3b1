import hashlib
import hmac

import pytest

from zicht.extracts import identifying_columns, pseudonym_key, pseudonymise
from zicht.extracts.docs import DOC_PATH, render_document
from zicht.extracts.privacy import DEMO_KEY, MissingPseudonymKey


def test_identifying_columns_are_declared():
    assert identifying_columns("kvk") == {
        "statutaire_naam",
        "kvk_nummer",
        "vestigingsnummer",
        "postcode",
        "huisnummer",
    }
    assert identifying_columns("om") == {"zaak_id"}
    with pytest.raises(ValueError, match="unknown extract source"):
        identifying_columns("belastingdienst")


def test_pseudonym_is_keyed_hmac_sha256():
    value = pseudonymise("000015119493", "secret")
    assert value == hmac.new(b"secret", b"000015119493", hashlib.sha256).hexdigest()
    assert value == pseudonymise("000015119493", "secret")  # stable: joins keep working
    assert value != pseudonymise("000015119493", "other key")
    assert value != hashlib.sha256(b"000015119493").hexdigest()  # not recomputable without the key
    assert pseudonymise(None, "secret") is None
    with pytest.raises(MissingPseudonymKey):
        pseudonymise("x", "")


def test_key_from_environment_and_production_refuses_the_demo_key(capsys):
    assert pseudonym_key({"ZICHT_PSEUDONYM_KEY": "k1", "ZICHT_ENV": "production"}) == "k1"
    with pytest.raises(MissingPseudonymKey, match="ZICHT_PSEUDONYM_KEY"):
        pseudonym_key({"ZICHT_ENV": "production"})
    assert pseudonym_key({}) == DEMO_KEY
    assert DEMO_KEY in capsys.readouterr().err  # the demo key is announced, never silent


def test_committed_doc_equals_the_rendering_of_the_declarations():
    committed = DOC_PATH.read_text(encoding="utf-8")
    assert committed == render_document(committed), "run: python -m zicht.extracts.docs"
    assert "| zaak_id | VARCHAR | yes | **yes** |" in committed
