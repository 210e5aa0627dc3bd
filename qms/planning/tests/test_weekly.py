"""The weekly summary's XLSX, and its old address."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def test_weekly_xlsx_lists_units(client_as, org, make_task):
    make_task("Trước 04/3/2026")
    response = client_as("iso_office").get(
        reverse("planning:weekly_xlsx", kwargs={"agency": org.agency.pk})
    )
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb.active
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=5)]
    assert values and values[0][0] == org.div_a.display_name and values[0][1] == 1


def test_the_old_address_of_the_weekly_xlsx_redirects_permanently(client_as, org):
    old = reverse("notifications:weekly_xlsx", kwargs={"agency": org.agency.pk})
    assert old == f"/notifications/weekly/{org.agency.pk}.xlsx"
    response = client_as("iso_office").get(old)
    assert response.status_code == 301
    assert response["Location"] == reverse("planning:weekly_xlsx", kwargs={"agency": org.agency.pk})
