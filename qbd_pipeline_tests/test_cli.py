"""`qbd-pipeline` says what went wrong in one line naming what to set, and leaves nothing behind."""

import pytest

from qbd_pipeline.cli import main


def _one_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


def test_no_wms_database_is_one_line_naming_the_variable_and_makes_no_empty_file(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    for name in ("WMS_DATABASE_URL", "QBD_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    for argv in (["companies", "list"], ["db", "current"], ["companies", "pause", "end_usr_x"]):
        assert main(argv) == 2
        said = _one_line(capsys)
        assert said.startswith(f"qbd-pipeline: no WMS database at {tmp_path / 'data' / 'wms.sqlite'}: set "
                               "WMS_DATABASE_URL (or --url)"), said
    assert not (tmp_path / "data" / "wms.sqlite").exists()


@pytest.mark.postgres
def test_an_unmigrated_or_unreachable_wms_is_one_line_saying_what_to_do(postgres_wms_url, capsys):
    assert main(["companies", "list", "--url", postgres_wms_url]) == 2
    said = _one_line(capsys)
    assert "has no sync tables" in said and "run `qbd-pipeline db upgrade` against it" in said
    assert main(["companies", "list", "--url", "postgresql+psycopg://postgres@127.0.0.1:1/none"]) == 2
    said = _one_line(capsys)
    assert "cannot use the WMS at postgresql+psycopg://postgres@127.0.0.1:1/none" in said
    assert "check WMS_DATABASE_URL (or --url)" in said
