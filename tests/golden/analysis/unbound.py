# A plain method without `self` in a class a metaclass may rewrite (a base from elsewhere):
# the type map signs it as called through the class with every parameter, so the evidence
# reads every parameter too (pygments' `def analyse_text(text):`).
import re

from lexers import RegexLexer


class SLexer(RegexLexer):
    def analyse_text(text):
        if re.search(r'<-(?!-)', text):
            return 0.11

    def tokens(self, text):
        return text.split()


class Plain:
    def first(x):
        # no base from elsewhere, no metaclass: `x` is the instance, as Python binds it
        return x
