from checklists.completeness import (
    Completeness,
    Gap,
    applicable_elements,
    applies,
    assess,
    has_value,
    is_documented,
    status,
)

ELEMENTS = [
    {"key": "consent", "label": "Consent", "section": "pre", "requirement": "required"},
    {"key": "technique", "label": "Technique", "section": "procedure", "requirement": "required"},
    {
        "key": "phenol",
        "label": "Phenol concentration",
        "section": "procedure",
        "requirement": "required",
        "condition": {"element": "technique", "in": ["chemical"]},
    },
    {
        "key": "temperature",
        "label": "Lesion temperature",
        "section": "procedure",
        "requirement": "required",
        "condition": {"element": "technique", "in": ["thermal_rf", "cooled_rf"]},
    },
    {
        "key": "contrast",
        "label": "Contrast",
        "section": "procedure",
        "requirement": "required",
        "allow_na": True,
    },
    {"key": "pain_after", "label": "Pain after", "section": "post", "requirement": "recommended"},
    {"key": "remarks", "label": "Remarks", "section": "post", "requirement": "information"},
]


def test_an_empty_note_has_every_required_element_missing():
    result = assess(ELEMENTS, {})
    # Conditional elements do not apply until the technique is known.
    assert (result.required_done, result.required_total) == (0, 3)
    assert [g.label for g in result.missing_required] == ["Consent", "Technique", "Contrast"]
    assert result.percent == 0
    assert not result.is_complete


def test_conditions_decide_which_elements_count():
    chemical = assess(ELEMENTS, {"technique": {"value": "chemical"}})
    assert chemical.required_total == 4
    assert "Phenol concentration" in [g.label for g in chemical.missing_required]
    assert "Lesion temperature" not in [g.label for g in chemical.missing]

    rf = assess(ELEMENTS, {"technique": {"value": "thermal_rf"}})
    assert "Lesion temperature" in [g.label for g in rf.missing_required]
    assert "Phenol concentration" not in [g.label for g in rf.missing]


def test_a_partial_note_counts_and_lists_what_is_missing():
    answers = {
        "consent": {"value": "yes"},
        "technique": {"value": "chemical"},
        "phenol": {"value": "6"},
    }
    result = assess(ELEMENTS, answers)
    assert (result.required_done, result.required_total) == (3, 4)
    assert result.percent == 75
    assert [g.key for g in result.missing_required] == ["contrast"]
    assert [g.key for g in result.missing_recommended] == ["pain_after"]
    assert (result.recommended_done, result.recommended_total) == (0, 1)


def test_not_applicable_with_a_reason_counts_as_documented_only_where_allowed():
    answers = {
        "consent": {"na_reason": "patient refused"},
        "technique": {"value": "thermal_rf"},
        "temperature": {"value": "85"},
        "contrast": {"na_reason": "Iodinated contrast allergy"},
    }
    result = assess(ELEMENTS, answers)
    assert [g.key for g in result.missing_required] == ["consent"]


def test_blank_values_are_not_documentation():
    answers = {
        "consent": {"value": "   "},
        "technique": {"value": ""},
        "contrast": {"value": [], "na_reason": ""},
    }
    assert assess(ELEMENTS, answers).required_done == 0


def test_a_complete_note_is_complete_even_without_recommended_elements():
    answers = {
        "consent": {"value": "yes"},
        "technique": {"value": "chemical"},
        "phenol": {"value": "6"},
        "contrast": {"value": "iohexol"},
    }
    result = assess(ELEMENTS, answers)
    assert result.is_complete and result.percent == 100
    assert result.recommended_missing == 1


def test_multi_choice_conditions_match_any_selected_value():
    elements = [
        {
            "key": "guidance",
            "label": "Guidance",
            "section": "procedure",
            "requirement": "required",
        },
        {
            "key": "contrast",
            "label": "Contrast",
            "section": "procedure",
            "requirement": "required",
            "condition": {"element": "guidance", "in": ["fluoroscopy"]},
        },
    ]
    result = assess(elements, {"guidance": {"value": ["ultrasound", "fluoroscopy"]}})
    assert [g.key for g in result.missing_required] == ["contrast"]


def test_chained_conditions_retire_together():
    elements = ELEMENTS + [
        {
            "key": "agent",
            "label": "Agent",
            "section": "procedure",
            "requirement": "required",
            "condition": {"element": "technique", "in": ["chemical"]},
        },
        {
            "key": "ethanol",
            "label": "Ethanol concentration",
            "section": "procedure",
            "requirement": "required",
            "condition": {"element": "agent", "in": ["ethanol"]},
        },
    ]
    chemical = {"technique": {"value": "chemical"}, "agent": {"value": "ethanol"}}
    assert "ethanol" in [g.key for g in assess(elements, chemical).missing]
    # Switched to RF: the agent no longer applies, so neither does its concentration.
    switched = {"technique": {"value": "thermal_rf"}, "agent": {"value": "ethanol"}}
    missing = [g.key for g in assess(elements, switched).missing]
    assert "agent" not in missing and "ethanol" not in missing


def test_each_element_that_applies_gets_a_status_in_catalog_order():
    answers = {
        "consent": {"na_reason": "patient refused"},  # consent does not allow n/a
        "technique": {"value": "thermal_rf"},
        "phenol": {"value": "6"},  # retired by the switch to RF
        "temperature": {"value": 85},
        "contrast": {"na_reason": " Iodinated contrast allergy "},
        "pain_after": {"value": "   "},
    }
    assert list(assess(ELEMENTS, answers).statuses) == [
        ("consent", "missing (required)"),
        ("technique", "documented"),
        ("temperature", "documented"),
        ("contrast", "not applicable: Iodinated contrast allergy"),
        ("pain_after", "missing (recommended)"),
    ]


def test_an_answered_information_element_is_documented_and_an_empty_one_has_no_status():
    assert (
        assess(ELEMENTS, {"remarks": {"value": "tolerated well"}}).element_status["remarks"]
        == "documented"
    )
    assert "remarks" not in assess(ELEMENTS, {}).element_status


# --- exact results and boundary cases (issue 20) ------------------------------------------


def test_the_whole_result_of_a_partial_note():
    answers = {
        "consent": {"value": "yes"},
        "technique": {"value": "thermal_rf"},
        "contrast": {"value": "", "na_reason": "   "},
        "pain_after": {"value": 0},
    }
    assert assess(ELEMENTS, answers) == Completeness(
        required_total=4,
        required_done=2,
        recommended_total=1,
        recommended_done=1,
        missing=(
            Gap("temperature", "Lesion temperature", "procedure", "required"),
            Gap("contrast", "Contrast", "procedure", "required"),
        ),
        statuses=(
            ("consent", "documented"),
            ("technique", "documented"),
            ("temperature", "missing (required)"),
            ("contrast", "missing (required)"),
            ("pain_after", "documented"),
        ),
    )


def test_percent_rounds_down_and_a_note_without_required_elements_is_complete():
    three = [{"key": k, "label": k, "section": "pre", "requirement": "required"} for k in "abc"]
    two_of_three = assess(three, {"a": {"value": "x"}, "b": {"value": "y"}})
    assert (two_of_three.percent, two_of_three.is_complete) == (66, False)
    assert two_of_three.required_missing == 1
    information_only = assess([ELEMENTS[-1]], {})
    assert (information_only.percent, information_only.is_complete) == (100, True)
    assert information_only.missing == () and information_only.statuses == ()


def test_a_multi_choice_condition_applies_only_when_a_listed_choice_is_selected():
    elements = [
        {
            "key": "guidance",
            "label": "Guidance",
            "section": "procedure",
            "requirement": "required",
        },
        {
            "key": "contrast",
            "label": "Contrast",
            "section": "procedure",
            "requirement": "required",
            "condition": {"element": "guidance", "in": ["fluoroscopy", "ct"]},
        },
    ]

    def missing(guidance):
        return [g.key for g in assess(elements, {"guidance": {"value": guidance}}).missing]

    assert missing(["ultrasound"]) == []
    assert missing(["fluoroscopy"]) == ["contrast"]
    assert missing(["ct", "ultrasound"]) == ["contrast"]
    assert missing([]) == ["guidance"]


def test_applies_without_the_element_list_checks_only_the_elements_own_condition():
    phenol = ELEMENTS[2]
    assert applies(phenol, {"technique": {"value": "chemical"}}) is True
    assert applies(phenol, {"technique": {"value": "thermal_rf"}}) is False
    assert applies(ELEMENTS[0], {}) is True


CHAIN = [
    {"key": "technique", "label": "Technique", "section": "procedure", "requirement": "required"},
    {
        "key": "agent",
        "label": "Agent",
        "section": "procedure",
        "requirement": "required",
        "condition": {"element": "technique", "in": ["chemical"]},
    },
    {
        "key": "ethanol_grade",
        "label": "Ethanol grade",
        "section": "procedure",
        "requirement": "required",
        "condition": {"element": "agent", "in": ["ethanol"]},
    },
    {
        "key": "ethanol_lot",
        "label": "Ethanol lot",
        "section": "procedure",
        "requirement": "recommended",
        "condition": {"element": "ethanol_grade", "in": ["dehydrated"]},
    },
]


def test_a_chain_of_three_conditions_retires_from_its_root():
    chemical = {
        "technique": {"value": "chemical"},
        "agent": {"value": "ethanol"},
        "ethanol_grade": {"value": "dehydrated"},
    }
    assert [e["key"] for e in applicable_elements(CHAIN, chemical)] == [
        "technique",
        "agent",
        "ethanol_grade",
        "ethanol_lot",
    ]
    rf = chemical | {"technique": {"value": "thermal_rf"}}
    assert [e["key"] for e in applicable_elements(CHAIN, rf)] == ["technique"]
    assert applies(CHAIN[3], rf, CHAIN) is False
    # Without the element list only the lot's own condition is read.
    assert applies(CHAIN[3], rf) is True


def test_conditions_that_point_at_each_other_end():
    looped = [
        {
            "key": "a",
            "label": "A",
            "section": "pre",
            "requirement": "required",
            "condition": {"element": "b", "in": ["yes"]},
        },
        {
            "key": "b",
            "label": "B",
            "section": "pre",
            "requirement": "required",
            "condition": {"element": "a", "in": ["yes"]},
        },
    ]
    hanging = {
        "key": "c",
        "label": "C",
        "section": "pre",
        "requirement": "required",
        "condition": {"element": "a", "in": ["yes"]},
    }
    answers = {"a": {"value": "yes"}, "b": {"value": "yes"}}
    # c hangs off the loop a -> b -> a: the walk up from c must stop too.
    assert [e["key"] for e in applicable_elements([*looped, hanging], answers)] == ["a", "b", "c"]
    assert applicable_elements(looped, {"a": {"value": "yes"}}) == []


def test_values_that_document_and_values_that_do_not():
    assert [has_value(v) for v in (0, False, "0", " x ", ["a"], {"a": 1}, 0.0)] == [True] * 7
    assert [has_value(v) for v in (None, "", "  \n", [], (), {})] == [False] * 6
    na = {"key": "k", "label": "K", "section": "pre", "requirement": "required", "allow_na": True}
    assert is_documented(na, {"na_reason": "not done"}) is True
    assert is_documented(na, {"na_reason": "  "}) is False
    assert is_documented(na, None) is False
    assert is_documented(na | {"allow_na": False}, {"na_reason": "not done"}) is False
    assert status(na, {"value": "x", "na_reason": "ignored"}) == "documented"
    assert status(na | {"requirement": "information"}, {}) is None
    assert status(na | {"requirement": "recommended"}, None) == "missing (recommended)"


def test_the_missing_lists_split_by_requirement():
    result = assess(ELEMENTS, {"technique": {"value": "chemical"}})
    assert result.missing_required == (
        Gap("consent", "Consent", "pre", "required"),
        Gap("phenol", "Phenol concentration", "procedure", "required"),
        Gap("contrast", "Contrast", "procedure", "required"),
    )
    assert result.missing_recommended == (Gap("pain_after", "Pain after", "post", "recommended"),)
    assert result.recommended_missing == 1
    assert result.element_status == {
        "consent": "missing (required)",
        "technique": "documented",
        "phenol": "missing (required)",
        "contrast": "missing (required)",
        "pain_after": "missing (recommended)",
    }
