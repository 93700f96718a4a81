# A parameter nothing else types takes the type the same parameter has in the other
# definitions of the method in the class hierarchy (evidence.py `_override_observations`).


class Interpolation:
    def before_get(self, parser, value):
        # value: str, from both overrides (they agree)
        return value

    def before_read(self, parser, value):
        # the overrides disagree (str and int): no type
        return value

    def before_write(self, value, parser):
        # not the same position as in the override: nothing from it
        return value


class Basic(Interpolation):
    def before_get(self, parser, value):
        return value.replace("%%", "%")

    def before_read(self, parser, value):
        return value.strip()

    def before_write(self, parser, value):
        return value.lower()


class Extended(Interpolation):
    def before_get(self, parser, value):
        return value.strip()

    def before_read(self, parser, value):
        return value - 1
