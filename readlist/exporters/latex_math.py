"""Whether the body of a ``$…$`` pair is math LaTeX accepts as is: a conservative checker.

The BibTeX exporter keeps such math as LaTeX (:func:`readlist.exporters.latex.split_math`)
and prints anything doubtful literally, so that no export ever breaks a build.
"""

from __future__ import annotations

import re


def macro_names(text: str) -> frozenset[str]:
    """The space-separated macro names in ``text``."""
    return frozenset(text.split())


#: Symbol macros (no argument) allowed in math: all defined by the LaTeX kernel.
#: Left out: ones Biber turns into Unicode that pdfLaTeX cannot set in math
#: (``\langle``, ``\rangle``, ``\S``, ``\P``).
MATH_SYMBOLS = macro_names(
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa"
    " lambda mu nu xi pi varpi rho varrho sigma varsigma tau upsilon phi varphi"
    " chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega"
    " times div cdot pm mp ast star circ bullet cap cup vee wedge oplus ominus"
    " otimes oslash odot setminus wr amalg le leq ge geq ne neq approx sim simeq"
    " cong equiv propto asymp ll gg prec succ preceq succeq subset supset"
    " subseteq supseteq in ni notin mid parallel perp models to rightarrow"
    " leftarrow Rightarrow Leftarrow leftrightarrow Leftrightarrow"
    " longrightarrow longleftarrow Longrightarrow mapsto gets iff uparrow"
    " downarrow infty partial nabla forall exists neg lnot emptyset ell hbar Re"
    " Im aleph wp prime dots ldots cdots vdots ddots sum prod coprod int oint"
    " bigcup bigcap bigvee bigwedge bigoplus bigotimes lim liminf limsup log ln"
    " lg exp sin cos tan cot sec csc arcsin arccos arctan sinh cosh tanh max min"
    " sup inf arg det dim ker deg gcd hom Pr lfloor rfloor lceil"
    " rceil lbrace rbrace vert Vert backslash quad qquad top bot angle triangle"
    " diamond clubsuit diamondsuit heartsuit spadesuit dagger ddagger"
    " imath jmath"
)
#: Macros taking one math argument.
MATH_ONE_ARG = macro_names(
    "mathrm mathbf mathit mathsf mathtt mathcal mathnormal sqrt hat bar tilde"
    " vec dot ddot acute grave breve check widehat widetilde overline underline"
    " overbrace underbrace"
)
#: Macros taking two math arguments.
MATH_TWO_ARGS = frozenset({"frac"})
#: Macros taking one text-mode argument, which also work inside math (not
#: ``\textsc``: there is no italic small-caps font, a warning in italic titles).
MATH_TEXT_ARG = macro_names(
    "textbf textit textrm textsf texttt textup textnormal textmd textsl emph mbox"
)
#: Characters that may follow a backslash in math (``\,``, ``\%``, …).
_MATH_ESCAPES = frozenset(",;:! {}%#&_|")
#: … and in a text argument inside math.
_TEXT_ESCAPES = frozenset(",{}%#&_ ")
_CS_NAME = re.compile(r"[a-zA-Z]+")
_MAX_DEPTH = 32


class _Invalid(Exception):
    """Raised by the math checker on anything TeX might reject."""


class _MathChecker:
    """A conservative checker for the body of ``$…$``: rejects anything doubtful."""

    def __init__(self, body: str) -> None:
        self.body = body
        self.pos = 0
        self.depth = 0

    def valid(self) -> bool:
        try:
            self.math_list(closing=False)
        except (_Invalid, RecursionError):
            return False
        return self.pos == len(self.body)

    def peek(self) -> str:
        return self.body[self.pos] if self.pos < len(self.body) else ""

    def skip_spaces(self) -> None:
        while self.peek() == " ":
            self.pos += 1

    def math_list(self, *, closing: bool) -> None:
        """Atoms and scripts up to the end or (``closing``) the matching ``}``."""
        sup = sub = False
        while (char := self.peek()) != "":
            if char == "}":
                if not closing:
                    raise _Invalid
                return
            if char == " ":
                self.pos += 1
            elif char in "^_":
                if sup if char == "^" else sub:
                    raise _Invalid  # double superscript / subscript
                sup, sub = (True, sub) if char == "^" else (sup, True)
                self.pos += 1
                self.script_argument()
            elif char == "'":
                if sup or sub:
                    raise _Invalid
                self.pos += 1
            else:
                self.atom()
                sup = sub = False
        if closing:
            raise _Invalid  # unbalanced

    def group(self, *, text: bool = False) -> None:
        """A ``{…}`` group; the current character is the ``{``."""
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise _Invalid
        self.pos += 1
        if text:
            self.text_list()
        else:
            self.math_list(closing=True)
        self.pos += 1  # the "}"
        self.depth -= 1

    def atom(self) -> None:
        char = self.peek()
        if char == "{":
            self.group()
        elif char == "\\":
            self.command(in_script=False)
        elif char in "%#&$" or not char.isprintable():
            raise _Invalid
        else:
            self.pos += 1

    def script_argument(self) -> None:
        self.skip_spaces()
        char = self.peek()
        if char == "" or char in "}^_'%#&$~" or not char.isprintable():
            raise _Invalid
        if char == "{":
            self.group()
        elif char == "\\":
            self.command(in_script=True)
        else:
            self.pos += 1

    def command(self, *, in_script: bool) -> None:
        self.pos += 1
        match = _CS_NAME.match(self.body, self.pos)
        if match is None:
            if self.peek() not in _MATH_ESCAPES:
                raise _Invalid
            self.pos += 1
            return
        name = match.group()
        self.pos = match.end()
        if name in MATH_SYMBOLS:
            return
        if in_script:
            raise _Invalid  # x^\sqrt{2} is a TeX error; stay conservative
        if name in MATH_ONE_ARG:
            self.argument()
        elif name in MATH_TWO_ARGS:
            self.argument()
            self.argument()
        elif name in MATH_TEXT_ARG:
            self.skip_spaces()
            if self.peek() != "{":
                raise _Invalid
            self.group(text=True)
        else:
            raise _Invalid

    def argument(self) -> None:
        """A macro argument: a group, an alphanumeric character or a symbol macro."""
        self.skip_spaces()
        char = self.peek()
        if char == "{":
            self.group()
        elif char == "\\":
            self.command(in_script=True)
        elif char.isascii() and char.isalnum():
            self.pos += 1
        else:
            raise _Invalid

    def text_list(self) -> None:
        """Text-mode content up to the matching ``}``."""
        while (char := self.peek()) != "}":
            if char == "" or char in "^_$%#&" or not char.isprintable():
                raise _Invalid
            if char == "{":
                self.group(text=True)
            elif char == "\\":
                self.pos += 1
                match = _CS_NAME.match(self.body, self.pos)
                if match is None:
                    if self.peek() not in _TEXT_ESCAPES:
                        raise _Invalid
                    self.pos += 1
                elif match.group() in MATH_TEXT_ARG:
                    self.pos = match.end()
                    self.skip_spaces()
                    if self.peek() != "{":
                        raise _Invalid
                    self.group(text=True)
                else:
                    raise _Invalid
            else:
                self.pos += 1


def is_valid_math(body: str) -> bool:
    """Whether ``body`` (between the dollars) is math that LaTeX accepts as is.

    Only kernel macros from :data:`MATH_SYMBOLS`, :data:`MATH_ONE_ARG`,
    :data:`MATH_TWO_ARGS` and :data:`MATH_TEXT_ARG` are allowed; braces must
    balance; no ``%``, ``#`` or ``&``; no double scripts. Doubtful input is
    rejected (and then printed literally), never passed on to break a build.
    """
    return bool(body) and _MathChecker(body).valid()
