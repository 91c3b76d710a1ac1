"""URLs, code systems and unit codes shared by the FHIR export and import (docs/fhir.md)."""

from django.conf import settings

from procedures.units import display_unit

# The fixed base of what we define: extensions and answer code systems. They name
# definitions, the same in every installation, so an export imports anywhere.
BASE = "https://neurolysis-checklist.example/fhir"

CPT = "http://www.ama-assn.org/go/cpt"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
NPI = "http://hl7.org/fhir/sid/us-npi"
ADMINISTRATIVE_GENDER = "http://hl7.org/fhir/administrative-gender"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
SNOMED = "http://snomed.info/sct"
HL7_V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"
PLACE_OF_SERVICE = (
    "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set"
)

# Standard extensions (FHIR R4 core, SDC, mCODE).
UNIT = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit"
UNIT_OPTION = "http://hl7.org/fhir/StructureDefinition/questionnaire-unitOption"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
MIN_QUANTITY = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-minQuantity"
MAX_QUANTITY = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-maxQuantity"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
LATERALITY = "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-laterality-qualifier"


def extension_url(name: str) -> str:
    return f"{BASE}/StructureDefinition/{name}"


# Our extensions; each is described in docs/fhir.md.
PROCEDURE_CODE = extension_url("procedure-code")
CATALOG_SOURCE = extension_url("catalog-source")
REQUIREMENT = extension_url("requirement")
ELEMENT_HELP = extension_url("element-help")
ELEMENT_CHOICES = extension_url("element-choices")
PAYER_HELP = extension_url("payer-help")
ELEMENT_SOURCE = extension_url("element-source")
NOTE_SHA256 = extension_url("note-sha256")
LINE_UNITS = extension_url("line-units")
LINE_MODIFIER = extension_url("line-modifier")
LINE_PLACE_OF_SERVICE = extension_url("place-of-service")

# linkIds we add next to the element keys; a catalog key never contains "-" or ".".
SECTION_LINK = "section-{}"
HELP_LINK = "{}.help"
NA_LINK = "{}.na"
NA_GROUP_LINK = "{}.group"
NA_TEXT = "Not applicable or not done, because"

# Catalog unit text -> UCUM code, where the two differ. Every other unit in the catalog
# ("mL", "%", "Cel", "s", "min", "mo", "V", "mm", "mg", "{needles}", ...) already is UCUM.
# "G" is a needle gauge (UCUM G is the gauss); "U" is a botulinum toxin unit, a
# product-specific assay unit that UCUM calls an arbitrary unit (UCUM U is the enzyme
# unit, [iU] the WHO international unit: neither is what the label means).
UCUM_CODES = {"G": "{gauge}", "U": "[arb'U]"}
CATALOG_UNITS = {ucum: unit for unit, ucum in UCUM_CODES.items()}


def unit_coding(unit: str) -> dict:
    """A UCUM Coding for a catalog unit; the display is what the note form shows."""
    return {"system": UCUM, "code": UCUM_CODES.get(unit, unit), "display": display_unit(unit)}


def catalog_unit(ucum_code: str) -> str:
    return CATALOG_UNITS.get(ucum_code, ucum_code)


def answer_system(element_key: str) -> str:
    """The code system of an element's choices (one per element, they are shared by codes)."""
    return f"{BASE}/CodeSystem/{element_key}"


def fhir_base() -> str:
    """This server's FHIR base (settings.FHIR_BASE_URL): canonicals and links resolve here."""
    return settings.FHIR_BASE_URL.rstrip("/")


def questionnaire_url(code: str) -> str:
    """A code's Questionnaire canonical; with `|version` it names one catalog version."""
    return f"{fhir_base()}/Questionnaire/{code}"


def identifier_base() -> str:
    # A practice should set its own (FHIR_IDENTIFIER_BASE) so MRNs from two practices
    # never share a system.
    return getattr(settings, "FHIR_IDENTIFIER_BASE", f"{BASE}/sid").rstrip("/")
