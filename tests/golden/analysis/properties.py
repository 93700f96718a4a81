# A property with a setter (dateutil's relativedelta.weeks): the setter is its own unit,
# `__set_weeks__`, as the outline and lowering name it; reading `self.weeks` is the getter's
# return. Before, the setter replaced the getter's unit (issue 10, branch `regress`).


class Delta:
    def __init__(self, days=0, weeks=0):
        self.days = days + weeks * 7

    @property
    def weeks(self):
        return int(self.days / 7.0)

    @weeks.setter
    def weeks(self, value):
        self.days = self.days - (self.weeks * 7) + value * 7

    def total(self):
        return self.weeks * 7


def make():
    d = Delta(3)
    d.weeks = 2
    return d.total()
