"""The studio settings as the Studio Settings screen edits them: typed text
read and checked (every field's mistake named at its field, nothing stored),
only an admin saves, what changed is stored in one transaction and audited."""
import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from staff import add_user

from spectra_tui.data import booking, settings, studio_setup, users
from spectra_tui.data.errors import DomainError, PermissionDenied, ValidationError
from spectra_tui.data.models import AuditLog


@pytest.fixture
def admin(studio):
    boss = add_user("boss", "Studio Boss", "owner")
    users.sign_in(boss)
    return boss


def test_the_current_settings_read_as_typed(db):
    setup = studio_setup.current()
    assert setup.tax_percent == "8.25" and setup.conflict_policy == "ask" and setup.slot_minutes == "30"
    assert setup.hours[0] == "09:00-18:00" and setup.hours[6] == "closed"
    assert studio_setup.read(setup)["tax_rate"] == "0.0825"


def test_idle_sign_out_is_off_by_default_and_saved_in_minutes(admin):
    assert settings.get("idle_sign_out_minutes") == 0 and studio_setup.current().idle_sign_out_minutes == "0"
    assert studio_setup.save(dataclasses.replace(studio_setup.current(), idle_sign_out_minutes=" 15 ")) == [
        "idle_sign_out_minutes"]
    assert settings.get("idle_sign_out_minutes") == 15
    studio_setup.save(dataclasses.replace(studio_setup.current(), idle_sign_out_minutes=""))  # empty: off
    assert settings.get("idle_sign_out_minutes") == 0


@pytest.mark.parametrize("value", [True, -1, 721, "15", 2.5])
def test_the_idle_setting_takes_whole_minutes_only(db, value):
    with pytest.raises(ValidationError, match="whole number of minutes"):
        settings.put("idle_sign_out_minutes", value)


def test_an_admin_saves_what_changed_in_one_audited_step(admin, tmp_path):
    setup = dataclasses.replace(studio_setup.current(), studio_name="  Lumen   Portraits ", tax_percent="7.5%",
                                tax_included=True, conflict_policy="never", slot_minutes="15",
                                timezone="Europe/London", image_root=str(tmp_path), locale="de-DE",
                                hours=("9-17", "9:00 - 17:30", "closed", "10:00-20:00", "", "10-14", "closed"))
    changed = studio_setup.save(setup)
    assert changed == sorted(["studio_name", "tax_rate", "tax_included", "conflict_policy", "slot_minutes",
                              "timezone", "image_root", "studio_hours", "locale"])
    assert settings.get("locale") == "de_DE"
    assert settings.get("studio_name") == "Lumen Portraits" and settings.tax_rate() == Decimal("0.075")
    assert settings.get("tax_included") is True and settings.get("slot_minutes") == 15
    hours = booking.studio_hours()
    assert hours[0] == (dt.time(9), dt.time(17)) and hours[1] == (dt.time(9), dt.time(17, 30))
    assert hours[2] is None and hours[4] is None and hours[5] == (dt.time(10), dt.time(14))
    entry = AuditLog.select().where(AuditLog.action == "settings.change").get()
    assert entry.user_name == "boss" and "Lumen Portraits" in entry.after
    assert studio_setup.save(studio_setup.current()) == []  # nothing changed: nothing written
    assert AuditLog.select().where(AuditLog.action == "settings.change").count() == 1


def test_only_a_manager_or_the_owner_changes_the_settings(studio):
    users.sign_in(add_user("sam", "Rita Gomez", "front_desk"))
    with pytest.raises(PermissionDenied, match="Only a manager or the owner may change the studio's settings; "
                       "Rita Gomez is signed in as front desk"):
        studio_setup.save(dataclasses.replace(studio_setup.current(), tax_percent="5"))
    assert settings.tax_rate() == Decimal("0.0825")


@pytest.mark.parametrize("change, field", [
    ({"studio_name": "   "}, "studio_name"),
    ({"studio_name": "x" * 101}, "studio_name"),
    ({"tax_percent": "eight"}, "tax_percent"),
    ({"tax_percent": "100"}, "tax_percent"),
    ({"tax_percent": "-1"}, "tax_percent"),
    ({"tax_percent": "NaN"}, "tax_percent"),
    ({"conflict_policy": "sometimes"}, "conflict_policy"),
    ({"slot_minutes": "7"}, "slot_minutes"),
    ({"slot_minutes": "half an hour"}, "slot_minutes"),
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"timezone": ""}, "timezone"),
    ({"image_root": "/no/such/folder/anywhere"}, "image_root"),
    ({"locale": "xx_nowhere"}, "locale"),
    ({"locale": ""}, "locale"),
    ({"hours": ("9-17",) * 6}, "hours"),
    ({"hours": ("17-9",) + ("closed",) * 6}, "hours_0"),
    ({"hours": ("closed", "nine to five") + ("closed",) * 5}, "hours_1"),
    ({"hours": ("closed",) * 3 + ("25:00-26:00",) + ("closed",) * 3}, "hours_3"),
    ({"idle_sign_out_minutes": "ten"}, "idle_sign_out_minutes"),
    ({"idle_sign_out_minutes": "-5"}, "idle_sign_out_minutes"),
    ({"idle_sign_out_minutes": "721"}, "idle_sign_out_minutes"),
])
def test_a_mistake_is_named_at_its_field_and_nothing_is_stored(admin, change, field):
    before = {key: settings.get(key) for key in settings.DEFAULTS}
    with pytest.raises(ValidationError) as refused:
        studio_setup.save(dataclasses.replace(studio_setup.current(), **{"tax_percent": "5", **change}))
    assert refused.value.field == field and str(refused.value)
    assert {key: settings.get(key) for key in settings.DEFAULTS} == before


def test_the_time_clock_s_week_and_overtime_are_studio_settings(studio):
    setup = dataclasses.replace(studio_setup.current(), week_starts_on="monday", overtime_hours_per_week="37.5")
    assert studio_setup.save(setup) == ["overtime_hours_per_week", "week_starts_on"]
    assert (settings.week_start_weekday(), str(settings.overtime_hours_per_week())) == (0, "37.5")
    for bad in ("none", "0", "169"):
        with pytest.raises(ValidationError) as caught:
            studio_setup.save(dataclasses.replace(setup, overtime_hours_per_week=bad))
        assert caught.value.field == "overtime_hours_per_week"


def test_the_refund_limit_is_typed_as_an_amount(studio):
    setup = dataclasses.replace(studio_setup.current(), refund_limit="250")
    assert studio_setup.save(setup) == ["refund_limit_cents"] and settings.get("refund_limit_cents") == 25000
    for bad in ("lots", "-5", "10.555"):
        with pytest.raises(ValidationError) as caught:
            studio_setup.save(dataclasses.replace(setup, refund_limit=bad))
        assert caught.value.field == "refund_limit"


def test_the_documents_logo_and_folder_are_studio_settings(studio, tmp_path):
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (40, 20), "white").save(logo)
    setup = dataclasses.replace(studio_setup.current(), studio_logo=f" {logo} ", documents_folder=str(tmp_path / "pdf"))
    assert studio_setup.save(setup) == ["documents_folder", "studio_logo"]
    assert (settings.get("studio_logo"), settings.get("documents_folder")) == (str(logo), str(tmp_path / "pdf"))
    not_an_image = tmp_path / "logo.txt"
    not_an_image.write_text("no picture")
    for change, field in (({"studio_logo": str(not_an_image)}, "studio_logo"),
                          ({"studio_logo": str(tmp_path / "gone.png")}, "studio_logo"),
                          ({"documents_folder": str(logo)}, "documents_folder")):
        with pytest.raises(ValidationError) as caught:
            studio_setup.save(dataclasses.replace(setup, **change))
        assert caught.value.field == field


def test_the_vendors_are_typed_with_their_lead_times(studio):
    from spectra_tui.data import catalog

    setup = dataclasses.replace(studio_setup.current(), vendors=" Miller's Lab : 7;Canvas Works: 14 ; ")
    studio_setup.save(setup)
    assert settings.vendors() == {"Miller's Lab": 7, "Canvas Works": 14}
    assert studio_setup.current().vendors == "Miller's Lab: 7; Canvas Works: 14"
    assert catalog.vendor_names() == ["Canvas Works", "Miller's Lab"]
    item = catalog.update_price_item(studio.item, vendor="miller's lab")
    assert item.vendor == "Miller's Lab"  # written as the studio names it
    for typed, message in (("Miller's Lab 7", "name, a colon and its lead time"),
                           ("Miller's Lab: seven", "name, a colon"),
                           ("Lab: 400", "from 0 to 365"),
                           ("Lab: 3; lab: 4", "listed twice")):
        with pytest.raises(ValidationError, match=message) as caught:
            studio_setup.save(dataclasses.replace(studio_setup.current(), vendors=typed))
        assert caught.value.field == "vendors"
    assert settings.vendors() == {"Miller's Lab": 7, "Canvas Works": 14}  # nothing stored
    with pytest.raises(ValidationError, match="not one of the studio's vendors"):
        catalog.update_price_item(item, vendor="Other Lab")
