"""`spectra report sales` and `spectra report sales-tax` as a shell runs them,
on the hand-built studio of tests/sales_studio.py: the known figures in the
80-column table and, exact to the cent, in the CSV."""
import csv

import pytest

import sales_studio
from test_cli_report import spectra


@pytest.fixture
def known(studio, db_target):
    sales_studio.build(studio)
    return db_target


def test_sales_in_the_terminal(known):
    result = spectra("--db", known, "report", "sales", "--from", "3/1/2030", "--to", "4/30/2030")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:2] == ["Sales Analysis", "03/01/2030 – 04/30/2030"] and max(map(len, lines)) <= 80
    assert "Family               3         $370.00        $34.00         $404.00  68.5%" in lines
    assert "(none)               1          $45.00         $4.50          $49.50   8.3%" in lines
    assert lines.count("Total                8         $540.00        $41.00         $581.00 100.0%") == 4


def test_sales_tax_as_csv(known, tmp_path):
    out = tmp_path / "tax.csv"
    result = spectra("--db", known, "report", "sales-tax", "--from", "2030-03-01", "--to", "2030-04-30",
                     "--format", "csv", "--out", out)
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert ["Day", "Taxable sales", "Non-taxable", "Tax", "Posted"] in rows
    assert ["2030-03-10", "150.00", "0.00", "15.00", "yes"] in rows
    assert ["2030-04-06", "-20.00", "0.00", "-2.00", "no"] in rows  # the credit memo
    assert ["2030-04-20", "100.00", "0.00", "10.00", "no"] in rows  # 110.00 with the tax included
    assert ["", "410.00", "130.00", "41.00", ""] in rows
