"""Reading Rasa projects: :func:`load_project` reads a project directory; the other
functions read single files' contents (as :func:`~turnflow.rasa.yaml_io.load_yaml` returns
them). Problems are collected, each with its file and line, not raised."""

from ..project import RasaProject
from .domain import is_domain_data, read_domain
from .flows import read_flow, read_flows_data
from .nlu import read_nlu_data
from .project import is_rasa_project, load_project

__all__ = [
    "RasaProject", "is_domain_data", "is_rasa_project", "load_project", "read_domain",
    "read_flow", "read_flows_data", "read_nlu_data",
]
