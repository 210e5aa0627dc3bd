"""Forms validate and convert only; services do the writing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from qms.core import uploads, widgets
from qms.core.forms import BaseForm, VNDateField
from qms.core.models import OrgUnit
from qms.planning.models import Plan, PlanBasis, PlanTask


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class PlanCreateForm(BaseForm):
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=OrgUnit.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(
        label=_("Subject (trích yếu)"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, agencies: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        if agencies.count() == 1:
            self.fields["agency"].initial = agencies.first()


class PlanHeaderForm(BaseForm):
    parent_body = forms.CharField(label=_("Governing body"), required=False, max_length=255)
    issuer_name = forms.CharField(label=_("Issuing agency"), max_length=255)
    place = forms.CharField(label=_("Place"), required=False, max_length=80)
    title = forms.CharField(
        label=_("Subject (trích yếu)"), widget=forms.Textarea(attrs={"rows": 2})
    )
    intro = forms.CharField(
        label=_("Introductory sentence"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    closing = forms.CharField(
        label=_("Closing paragraph"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    recipients = forms.CharField(
        label=_("Recipients (Nơi nhận)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One per line, as printed, e.g. “Sở Khoa học và Công nghệ;”."),
    )
    signer_prefix = forms.ChoiceField(
        label=_("Signing form"), choices=Plan.SignerPrefix.choices, required=False
    )
    signer_authority = forms.CharField(label=_("Signing on behalf of"), required=False)
    signer_position = forms.CharField(label=_("Signer's position"), required=False)
    signer_name = forms.CharField(label=_("Signer's name"), required=False)
    appendix_subtitle = forms.CharField(
        label=_("Appendix subtitle"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    amendment_reason = forms.CharField(
        label=_("Reason for amendment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for an issued plan: the change becomes a new revision."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    HEADER_FIELDS = (
        "parent_body",
        "issuer_name",
        "place",
        "title",
        "intro",
        "closing",
        "contact_email",
        "recipients",
        "signer_prefix",
        "signer_authority",
        "signer_position",
        "signer_name",
        "appendix_subtitle",
    )

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        if "data" not in kwargs and not args:
            initial = {f: getattr(plan, f) for f in self.HEADER_FIELDS}
            initial["recipients"] = "\n".join(plan.recipients)
            initial["version"] = plan.version
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.plan = plan
        if plan.status != Plan.Status.ISSUED:
            del self.fields["amendment_reason"]

    def clean_recipients(self) -> list[str]:
        return [
            line.strip() for line in self.cleaned_data["recipients"].splitlines() if line.strip()
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "amendment_reason" in self.fields and not (data.get("amendment_reason") or "").strip():
            self.add_error("amendment_reason", _("Give the reason for the amendment."))
        return data

    def header_data(self) -> dict[str, Any]:
        return {f: self.cleaned_data[f] for f in self.HEADER_FIELDS}


class BasisForm(BaseForm):
    verb = forms.ChoiceField(label=_("Introduced by"), choices=PlanBasis.Verb.choices)
    continues_previous = forms.BooleanField(
        label=_("Same paragraph as the previous"), required=False
    )
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 2}))


class SectionForm(BaseForm):
    heading = forms.CharField(label=_("Heading"), max_length=255)
    body = forms.CharField(
        label=_("Content"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One paragraph per line; start a line with “## ” to make it a sub-heading."),
    )


BasisFormSet = formset_factory(BasisForm, extra=1, can_delete=True)
SectionFormSet = formset_factory(SectionForm, extra=1, can_delete=True)


class AmendmentReasonForm(BaseForm):
    amendment_reason = forms.CharField(
        label=_("Reason for amendment"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for an issued plan: the change becomes a new revision."),
    )


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:  # type: ignore[override]
        return obj.name


class TaskForm(BaseForm):
    number = forms.IntegerField(label=_("No."), min_value=1, max_value=999)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 3}))
    lead_units = UnitMultipleChoiceField(
        label=_("Lead units"),
        queryset=OrgUnit.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    partner_units = UnitMultipleChoiceField(
        label=_("Partner units"),
        required=False,
        queryset=OrgUnit.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    timing_text = forms.CharField(
        label=_("Timing (as written)"),
        max_length=255,
        help_text=_(
            "E.g. “Trước 10/02/2022”, “Từ 01/6 đến 30/7/2022”, “Thường xuyên”, "
            "“Theo quy định”, “Quý II/2023”."
        ),
    )
    start_date = VNDateField(label=_("Start (override)"), required=False)
    due_date = VNDateField(
        label=_("Due (override)"),
        required=False,
        help_text=_("Leave empty to use the dates read from the timing text."),
    )
    review_cadence_months = forms.IntegerField(
        label=_("Review every (months)"),
        required=False,
        min_value=1,
        max_value=12,
        help_text=_("For continuous tasks; quarterly by default."),
    )
    regulation_key = forms.SlugField(
        label=_("Regulation rule key"),
        required=False,
        help_text=_("For “Theo quy định”; default iso_report."),
    )
    depends_on = forms.ModelMultipleChoiceField(
        label=_("Depends on"), required=False, queryset=PlanTask.objects.none()
    )
    amendment_reason = forms.CharField(
        label=_("Reason for amendment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, plan: Plan, task: PlanTask | None = None, **kwargs: Any) -> None:
        if task is not None and "data" not in kwargs and not args:
            kwargs["initial"] = {
                "number": task.number,
                "content": task.content,
                "lead_units": list(task.lead_units.all()),
                "partner_units": list(task.partner_units.all()),
                "timing_text": task.timing_text,
                "start_date": task.start_date if task.timing_flagged else None,
                "due_date": task.due_date if task.timing_flagged else None,
                "review_cadence_months": task.review_cadence_months,
                "regulation_key": task.regulation_key,
                "depends_on": list(task.depends_on.all()),
            }
        super().__init__(*args, **kwargs)
        units = (
            OrgUnit.objects.active()
            .filter(path__startswith=plan.agency.path)
            .exclude(pk=plan.agency_id)
            .order_by("sort_order", "name")
        )
        self.fields["lead_units"].queryset = units  # type: ignore[attr-defined]
        self.fields["partner_units"].queryset = units  # type: ignore[attr-defined]
        others = plan.tasks.exclude(pk=task.pk) if task else plan.tasks.all()
        self.fields["depends_on"].queryset = others  # type: ignore[attr-defined]
        if plan.status != Plan.Status.ISSUED:
            del self.fields["amendment_reason"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        s, d = data.get("start_date"), data.get("due_date")
        if s and d and s > d:
            self.add_error("due_date", _("The start date must not be after the due date."))
        if "amendment_reason" in self.fields and not (data.get("amendment_reason") or "").strip():
            self.add_error("amendment_reason", _("Give the reason for the amendment."))
        return data


class ProgressForm(BaseForm):
    percent = forms.IntegerField(
        label=_("Progress (%)"),
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"step": 5}),
    )
    comment = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
    # Declared fields are popped from the class by the form metaclass, so this name
    # does not shadow ``Form.files`` at run time.
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Evidence files"),
        required=False,
        help_text=_("PDF, Word, Excel, PNG or JPEG; up to 20 MB each."),
    )
    report_done = forms.BooleanField(
        label=_("The task is done: ask for confirmation"), required=False
    )

    def clean_files(self) -> list[Any]:
        chosen: list[Any] = self.cleaned_data["files"]
        try:
            uploads.check_request_files(chosen)
        except uploads.FileRejected as exc:
            raise forms.ValidationError(exc.message) from exc
        return chosen


class ReasonForm(BaseForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ApproveForm(BaseForm):
    issued_on = VNDateField(
        label=_("Date of issue"), help_text=_("The number is taken from the register of this year.")
    )


class CopyForm(BaseForm):
    year = forms.IntegerField(label=_("New year"), min_value=2000, max_value=2100)


class ImportForm(BaseForm):
    file = forms.FileField(
        label=_("Word file (.docx) with the appendix table"),
        help_text=_("Columns TT, Nội dung, Đơn vị chủ trì, Đơn vị phối hợp, Thời gian thực hiện."),
    )

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        try:
            uploads.check_import(f, uploads.DOCX)
        except uploads.FileRejected as exc:
            raise forms.ValidationError(exc.message) from exc
        return f


class DeadlineRuleForm(BaseForm):
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=OrgUnit.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    key = forms.SlugField(label=_("Key"), initial="iso_report")
    label = forms.CharField(
        label=_("Description"), max_length=255, initial="Báo cáo kết quả duy trì, áp dụng HTQLCL"
    )
    due_date = VNDateField(label=_("Due date"), required=False)
    source = forms.CharField(label=_("Source document"), required=False, max_length=255)

    def __init__(self, *args: Any, agencies: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        if agencies.count() == 1:
            self.fields["agency"].initial = agencies.first()


class TaskFilterForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=OrgUnit.objects.none(), required=False, widget=widgets.Select
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        widget=widgets.Select,
        choices=[
            ("", _("All")),
            ("open", _("Open")),
            ("overdue", _("Overdue")),
            *PlanTask.Status.choices,
            ("flagged", _("Dates need checking")),
        ],
    )
    due_from = VNDateField(label=_("Due from"), required=False, widget=widgets.DateInput)
    due_to = VNDateField(label=_("Due to"), required=False, widget=widgets.DateInput)
    q = forms.CharField(label=_("Search"), required=False, widget=widgets.TextInput)
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        for name, field in self.fields.items():
            css = (
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm"
            )
            field.widget.attrs.setdefault("class", css)
            if name == "q":
                field.widget.attrs["placeholder"] = _("Search tasks…")
