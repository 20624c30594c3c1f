from django import forms
from django.utils.translation import pgettext_lazy

from search.documents import FACETS, HOURS_RANGES
from search.query import SORTS

MAX_PAGE = 100
SORT_LABELS = [
    ("relevance", pgettext_lazy("search sort", "Best match")),
    ("newest", pgettext_lazy("search sort", "Newest")),
    ("popular", pgettext_lazy("search sort", "Most popular")),
]


class SearchForm(forms.Form):
    """The query string of the search page and API: what, filters, order, page."""

    q = forms.CharField(max_length=100, required=False, strip=True)
    academy = forms.CharField(max_length=40, required=False)
    category = forms.CharField(max_length=40, required=False)
    level = forms.CharField(max_length=40, required=False)
    mode = forms.CharField(max_length=40, required=False)
    hours = forms.ChoiceField(
        choices=[("", "")] + [(key, label) for key, _low, _high, label in HOURS_RANGES],
        required=False,
    )
    sort = forms.ChoiceField(choices=[(s, s) for s in SORTS], required=False)
    page = forms.IntegerField(min_value=1, max_value=MAX_PAGE, required=False)

    def filters(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in FACETS if self.cleaned_data.get(name)}

    def search_arguments(self) -> dict:
        return {
            "query_text": self.cleaned_data["q"],
            "filters": self.filters(),
            "sort": self.cleaned_data["sort"] or "relevance",
            "page": self.cleaned_data["page"] or 1,
        }

    @property
    def counts_as_search(self) -> bool:
        """A first page without filters: what analytics count (not clicks on facets)."""
        data = self.cleaned_data
        return bool(data["q"]) and not self.filters() and (data["page"] or 1) == 1
