from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from learning.audit import audit_hours
from learning.models import LedgerSource, hours_of


class Command(BaseCommand):
    help = (
        "Recompute every learner's hours from lesson progress and class attendance and "
        "report each disagreement with the learning-hours ledger (exit status 1 if any)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=2000, help="Learners per query.")

    def handle(self, *args, **options):
        total = get_user_model().objects.count()
        quiet = options["verbosity"] == 0
        with tqdm(total=total, desc="核对学时", unit="人", file=self.stderr, disable=quiet) as bar:
            report = audit_hours(batch_size=options["batch_size"], progress=bar.update)
        names = dict(
            get_user_model()
            .objects.filter(pk__in={f.learner_id for f in report.disagreements + report.adjusted})
            .values_list("pk", "username")
        )
        self.stdout.write(
            f"学员 {report.learners} 人 / learners; 台账 {hours_of(report.ledger_minutes)} 学时"
            f"({report.ledger_minutes} 分钟)/ ledger; 按学习记录重算 "
            f"{hours_of(report.expected_minutes)} 学时({report.expected_minutes} 分钟)"
            " / recomputed"
        )
        for finding in report.adjusted:
            self.stdout.write(
                f"已人工调整 / adjusted: {names[finding.learner_id]} {finding.reference}:"
                f"记录 {finding.expected} 分钟,台账 {finding.recorded} 分钟(含管理员更正)"
            )
        for source, minutes in sorted(report.not_checked.items()):
            label = LedgerSource(source).label if source in LedgerSource.values else source
            self.stdout.write(f"未核对 / not checked: {label} {minutes} 分钟(没有可核对的学习记录)")
        for finding in report.disagreements:
            if not finding.reference:
                what = (
                    f"在{finding.what}的学时为 {finding.recorded} 分钟,低于零"
                    " / below zero in the unit"
                )
            elif finding.expected is None:
                what = f"台账有 {finding.recorded} 分钟,但没有对应的{finding.what}记录"
            else:
                what = (
                    f"{finding.what}记录为 {finding.expected} 分钟,台账为 {finding.recorded} 分钟"
                )
            self.stdout.write(
                self.style.ERROR(
                    f"不一致 / disagreement: {names[finding.learner_id]} {finding.reference} {what}"
                )
            )
        if report.disagreements:
            raise CommandError(
                f"发现 {len(report.disagreements)} 处学时与台账不一致 / disagreements found."
            )
        self.stdout.write(
            self.style.SUCCESS("学时与台账一致 / the ledger agrees with the records.")
        )
