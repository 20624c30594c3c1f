from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from search import selectors, services
from search.forms import SORT_LABELS, SearchForm


def search_page(request):
    form = SearchForm(request.GET)
    found = None
    if form.is_valid():
        found = selectors.course_search(**form.search_arguments())
        if form.counts_as_search:
            services.query_record(query=form.cleaned_data["q"], total=found.strict_total)
    return render(
        request, "search/search_page.html", {"form": form, "found": found, "sorts": SORT_LABELS}
    )


def query_report(request):
    report = selectors.query_report()
    tables = [
        ("top", _("Most searched"), report["top"]),
        ("zero", _("Searched without results"), report["zero"]),
    ]
    return render(request, "search/admin/query_report.html", {"tables": tables})
